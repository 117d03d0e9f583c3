export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
export const ms = (value: number) => `${value.toFixed(2)}ms`;
