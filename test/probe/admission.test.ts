import { ProbeAdmission, QueueFull } from "../../src/probe/admission";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("ProbeAdmission", () => {
  it("runs at most `running` at once, hands a finished slot to the first waiter, and refuses past the queue", async () => {
    const q = new ProbeAdmission({ running: 2, queued: 2, perClient: 10 });
    const gates = Array.from({ length: 4 }, deferred);
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const runs = gates.map((g, i) =>
      q.run("c", async () => {
        most = Math.max(most, ++active);
        order.push(i);
        await g.promise;
        active--;
      }),
    );
    await expect(q.run("c", async () => undefined)).rejects.toEqual(new QueueFull("service"));
    expect([q.running, q.queued]).toEqual([2, 2]);
    gates[0].resolve();
    await runs[0];
    // The freed slot went straight to the first waiter: still two running, one waiting.
    await Promise.resolve();
    expect([q.running, q.queued]).toEqual([2, 1]);
    for (const g of gates) g.resolve();
    await Promise.all(runs);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3]);
    expect([q.running, q.queued]).toEqual([0, 0]);
  });

  it("one client cannot hold more than its share of running and waiting probes", async () => {
    const q = new ProbeAdmission({ running: 1, queued: 100, perClient: 3 });
    const gate = deferred();
    const mine = [1, 2, 3].map(() => q.run("greedy", () => gate.promise));
    await expect(q.run("greedy", async () => undefined)).rejects.toEqual(new QueueFull("client"));
    const other = q.run("polite", async () => "ok");
    gate.resolve();
    await Promise.all(mine);
    await expect(other).resolves.toBe("ok");
    // A failing probe gives its slot and share back.
    await expect(q.run("greedy", async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect([q.running, q.queued]).toEqual([0, 0]);
  });
});
