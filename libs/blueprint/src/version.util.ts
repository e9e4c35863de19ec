/**
 * Orders blueprint versions (`1`, `1.2`, `1.2.3`, `1.2.3-beta.1`): numeric parts compared as
 * numbers, missing parts as 0, a pre-release below its release. Build metadata is ignored.
 */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.split('+')[0].split(/-(.*)/s);
    return { nums: core.split('.').map(Number), pre: pre ?? null };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  const xp = x.pre.split('.');
  const yp = y.pre.split('.');
  for (let i = 0; i < Math.max(xp.length, yp.length); i++) {
    if (xp[i] === undefined) return -1;
    if (yp[i] === undefined) return 1;
    const xn = /^\d+$/.test(xp[i]) ? Number(xp[i]) : NaN;
    const yn = /^\d+$/.test(yp[i]) ? Number(yp[i]) : NaN;
    if (!Number.isNaN(xn) && !Number.isNaN(yn)) {
      if (xn !== yn) return Math.sign(xn - yn);
    } else if (xp[i] !== yp[i]) {
      return xp[i] < yp[i] ? -1 : 1;
    }
  }
  return 0;
}
