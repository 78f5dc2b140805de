/**
 * SisFall's activity codes and their names, as the data set's own `Readme.txt` lists them
 * (Sucerquia, López, Vargas-Bonilla 2017): 19 activities of daily living D01-D19 and 15 falls
 * F01-F15. The labels are the codes; the names are for people.
 */
export const SISFALL_ADLS = {
  D01: 'Walking slowly',
  D02: 'Walking quickly',
  D03: 'Jogging slowly',
  D04: 'Jogging quickly',
  D05: 'Walking upstairs and downstairs slowly',
  D06: 'Walking upstairs and downstairs quickly',
  D07: 'Slowly sit in a half height chair, wait a moment, and up slowly',
  D08: 'Quickly sit in a half height chair, wait a moment, and up quickly',
  D09: 'Slowly sit in a low height chair, wait a moment, and up slowly',
  D10: 'Quickly sit in a low height chair, wait a moment, and up quickly',
  D11: 'Sitting a moment, trying to get up, and collapse into a chair',
  D12: 'Sitting a moment, lying slowly, wait a moment, and sit again',
  D13: 'Sitting a moment, lying quickly, wait a moment, and sit again',
  D14: "Being on one's back change to lateral position, wait a moment, and change to one's back",
  D15: 'Standing, slowly bending at knees, and getting up',
  D16: 'Standing, slowly bending without bending knees, and getting up',
  D17: 'Standing, get into a car, remain seated and get out of the car',
  D18: 'Stumble while walking',
  D19: 'Gently jump without falling (trying to reach a high object)',
} as const;

export const SISFALL_FALLS = {
  F01: 'Fall forward while walking caused by a slip',
  F02: 'Fall backward while walking caused by a slip',
  F03: 'Lateral fall while walking caused by a slip',
  F04: 'Fall forward while walking caused by a trip',
  F05: 'Fall forward while jogging caused by a trip',
  F06: 'Vertical fall while walking caused by fainting',
  F07: 'Fall while walking, with use of hands in a table to dampen fall, caused by fainting',
  F08: 'Fall forward when trying to get up',
  F09: 'Lateral fall when trying to get up',
  F10: 'Fall forward when trying to sit down',
  F11: 'Fall backward when trying to sit down',
  F12: 'Lateral fall when trying to sit down',
  F13: 'Fall forward while sitting, caused by fainting or falling asleep',
  F14: 'Fall backward while sitting, caused by fainting or falling asleep',
  F15: 'Lateral fall while sitting, caused by fainting or falling asleep',
} as const;

export type SisfallActivity = keyof typeof SISFALL_ADLS | keyof typeof SISFALL_FALLS;

/** Every activity's name by code, ADLs first. */
export const SISFALL_ACTIVITY_NAMES: Readonly<Record<SisfallActivity, string>> = { ...SISFALL_ADLS, ...SISFALL_FALLS };

/** Every code in order: D01-D19, then F01-F15. */
export const SISFALL_ACTIVITIES = Object.keys(SISFALL_ACTIVITY_NAMES) as SisfallActivity[];

export function isSisfallActivity(code: string): code is SisfallActivity {
  return Object.hasOwn(SISFALL_ACTIVITY_NAMES, code);
}
