// The distributed example's dataflow: a fan-out of independent scoring nodes and a summary.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const orders = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: i + 1, amount: ((i * 37) % 100) + 1 }));
export const revenue = async (orders: { amount: number }[]) => (
  await sleep(150), orders.reduce((a, o) => a + o.amount, 0)
);
export const largest = async (orders: { amount: number }[]) => (
  await sleep(150), Math.max(...orders.map((o) => o.amount))
);
export const average = async (revenue: number, orders: unknown[]) => (await sleep(150), revenue / orders.length);
export const bigOrders = async (orders: { id: number; amount: number }[]) => (
  await sleep(150), orders.filter((o) => o.amount > 90).map((o) => o.id)
);
export const summary = ({
  revenue,
  largest,
  average,
  bigOrders,
}: {
  revenue: number;
  largest: number;
  average: number;
  bigOrders: number[];
}) => `revenue ${revenue}, largest ${largest}, average ${average.toFixed(2)}, big orders ${bigOrders.join(" ")}`;
