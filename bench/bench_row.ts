// One result line of any bench, so a top-level bench can merge rows from every part.
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
}
