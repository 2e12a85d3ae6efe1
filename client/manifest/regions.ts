/**
 * The regions SCF serves (the list CopyFunction documents). The client checks target regions
 * against it so a typo is refused before any SCF call, with the list to pick from.
 */
export const SCF_REGIONS = [
  'ap-bangkok',
  'ap-beijing',
  'ap-chengdu',
  'ap-chongqing',
  'ap-guangzhou',
  'ap-hongkong',
  'ap-jakarta',
  'ap-mumbai',
  'ap-nanjing',
  'ap-seoul',
  'ap-shanghai',
  'ap-shanghai-fsi',
  'ap-shenzhen-fsi',
  'ap-singapore',
  'ap-tokyo',
  'eu-frankfurt',
  'na-ashburn',
  'na-siliconvalley',
  'sa-saopaulo',
] as const;

export type ScfRegion = (typeof SCF_REGIONS)[number];

export function isScfRegion(value: string): value is ScfRegion {
  return (SCF_REGIONS as readonly string[]).includes(value);
}
