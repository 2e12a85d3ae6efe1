/** Regions SCF supports (CopyFunction's documented list). */
export const SCF_REGIONS: readonly string[] = [
  'ap-bangkok', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-guangzhou', 'ap-hongkong', 'ap-jakarta',
  'ap-mumbai', 'ap-nanjing', 'ap-seoul', 'ap-shanghai', 'ap-shanghai-fsi', 'ap-shenzhen-fsi', 'ap-singapore',
  'ap-tokyo', 'eu-frankfurt', 'na-ashburn', 'na-siliconvalley', 'sa-saopaulo',
];

export function isScfRegion(region: string): boolean {
  return SCF_REGIONS.includes(region);
}
