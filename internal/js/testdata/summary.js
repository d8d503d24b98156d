export default function () {}
export function handleSummary(data) {
  return {
    stdout: 'iterations=' + data.metrics.iterations.values.count + ' keys=' + Object.keys(data.metrics).join(','),
    'out.bin': new Uint8Array([1, 2, 3]).buffer,
  };
}
