import type { DatasetEntry } from '../dataset-entry.ts';
import { UTD_MHAD_OPTIONS_SCHEMA, utdMhadDataset, type UtdMhadRequest } from './utd-mhad-dataset.ts';

/** UTD-MHAD in the data-set registry: options, adapter, and where the data comes from. */
export const UTD_MHAD_ENTRY: DatasetEntry = {
  name: 'utd-mhad',
  describe:
    'UTD-MHAD (27 actions, 8 subjects): wrist/thigh IMU, Kinect skeleton and depth video from the released .mat files',
  options: UTD_MHAD_OPTIONS_SCHEMA,
  create: (options) => utdMhadDataset(options as UtdMhadRequest),
  title: 'UTD Multimodal Human Action Dataset (UTD-MHAD)',
  citation:
    'C. Chen, R. Jafari, N. Kehtarnavaz, "UTD-MHAD: A Multimodal Dataset for Human Action Recognition Utilizing a Depth Camera and a Wearable Inertial Sensor", IEEE ICIP 2015',
  homepage: 'https://personal.utdallas.edu/~kehtar/UTD-MHAD.html',
  licence:
    'no licence file in the download; the publisher asks that the ICIP 2015 paper be cited: check the homepage for its terms',
  acquisition: 'downloadable',
  files: [
    {
      name: 'Inertial.zip',
      url: 'https://www.utdallas.edu/~kehtar/UTD-MAD/Inertial.zip',
      archive: 'zip',
      describe: 'Inertial/*_inertial.mat: wrist or thigh accelerometer and gyroscope (d_iner)',
    },
    {
      name: 'Skeleton.zip',
      url: 'https://www.utdallas.edu/~kehtar/UTD-MAD/Skeleton.zip',
      archive: 'zip',
      describe: 'Skeleton/*_skeleton.mat: Kinect v1 joints, 20 x 3 x frames (d_skel)',
    },
    {
      name: 'Depth.zip',
      url: 'https://www.utdallas.edu/~kehtar/UTD-MAD/Depth.zip',
      archive: 'zip',
      describe: 'Depth/*_depth.mat: 240 x 320 depth video in mm (d_depth)',
    },
    {
      name: 'RGB.zip',
      url: 'https://www.utdallas.edu/~kehtar/UTD-MAD/RGB.zip',
      archive: 'zip',
      describe: 'RGB/*_color.avi: the colour video (motionfuse does not read it yet)',
      size: 'about 1.1 GB',
      optional: true,
    },
  ],
  obtain: [
    '`npx motionfuse datasets fetch utd-mhad` downloads Inertial.zip, Skeleton.zip and Depth.zip from the publisher into datasets/utd-mhad/data/ and unpacks them (`--only RGB.zip` adds the colour video).',
    "The publisher's server has been seen to send an incomplete certificate chain; if the download fails on the certificate, put the missing intermediate certificate in a PEM file and set NODE_EXTRA_CA_CERTS to it.",
  ],
  layout: [
    '<root>/Inertial/a{action}_s{subject}_t{take}_inertial.mat',
    '<root>/Skeleton/a{action}_s{subject}_t{take}_skeleton.mat',
    '<root>/Depth/a{action}_s{subject}_t{take}_depth.mat',
    '27 actions x 8 subjects x 4 takes (a few takes are missing in the release); standard protocol: odd subjects train, even test',
  ],
  experiment: 'dataset:\n  name: utd-mhad\n  root: datasets/utd-mhad/data',
};
