import type { DatasetEntry } from '../dataset-entry.ts';
import { SISFALL_OPTIONS_SCHEMA, sisfallDataset, type SisfallRequest } from './sisfall-dataset.ts';

/** SisFall in the data-set registry: options, adapter, and where the data comes from. */
export const SISFALL_ENTRY: DatasetEntry = {
  name: 'sisfall',
  describe:
    'SisFall (19 activities of daily living, 15 falls; 38 subjects): 200 Hz waist accelerometer + gyroscope from the released text files',
  options: SISFALL_OPTIONS_SCHEMA,
  create: (options) => sisfallDataset(options as SisfallRequest),
  title: 'SisFall: A Fall and Movement Dataset',
  citation:
    'A. Sucerquia, J. D. López, J. F. Vargas-Bonilla, "SisFall: A Fall and Movement Dataset", Sensors 17(1):198, 2017, doi:10.3390/s17010198',
  homepage: 'https://www.mdpi.com/1424-8220/17/1/198',
  licence:
    'no licence file in the release; the authors ask that the Sensors 2017 paper be cited: check their terms where you obtain it',
  acquisition: 'user-supplied',
  files: [],
  obtain: [
    'Obtain the SisFall release (SisFall_dataset, about 4,500 text files) from the authors (SISTEMIC group, Universidad de Antioquia; see the paper) and unpack it so that each subject is a folder: <root>/SA01/, ..., <root>/SE15/.',
    'Point dataset.root at that folder (the one holding SA01/ and Readme.txt).',
  ],
  layout: [
    '<root>/<subject>/<code>_<subject>_R<nn>.txt: one trial, one sample a line (200 Hz), nine comma-separated integers ending in ";"',
    'subjects SA01-SA23 (19-30 years) and SE01-SE15 (60-75; SE06 alone also did the falls); codes D01-D19 (ADL) and F01-F15 (falls)',
    'columns 1-3 ADXL345 (13 bit, +-16 g), 4-6 ITG3200 (16 bit, +-2000 deg/s), 7-9 MMA8451Q (14 bit, +-8 g); value = 2 * range / 2^bits * counts',
    'no official split: group the folds by subject (split: { kind: group-k-fold })',
  ],
  experiment: 'dataset:\n  name: sisfall\n  root: datasets/sisfall/data\n  activities: adl',
};
