export const options = { iterations: 2 };
export default function () {}
export function handleSummary(data) {
  return { stdout: 'custom: ' + data.metrics.iterations.values.count + '\n', 'out/summary.json': JSON.stringify(data) };
}
