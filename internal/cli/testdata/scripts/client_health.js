// handleSummary receives the load generator's self-health as data.client.
export const options = { vus: 2, iterations: 20 };
export default function () {
  let x = 0;
  for (let i = 0; i < 10000; i++) x += i;
}
export function handleSummary(data) {
  return { stdout: JSON.stringify(data.client) };
}
