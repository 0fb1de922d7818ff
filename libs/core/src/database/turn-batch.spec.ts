import { TurnBatch } from './turn-batch';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it('hands over what was added in one turn together, in order, after the turn', async () => {
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>((items) => flushed.push(items));
    batch.add(1);
    batch.add(2);
    batch.add(3);
    expect(flushed).toEqual([]);
    await turn();
    expect(flushed).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for what is added after a flush', async () => {
    const flushed: string[][] = [];
    const batch = new TurnBatch<string>((items) => {
      flushed.push(items);
      if (items.includes('a')) batch.add('c'); // added during the flush: the next batch
    });
    batch.add('a');
    batch.add('b');
    await turn();
    await turn();
    batch.add('d');
    await turn();
    expect(flushed).toEqual([['a', 'b'], ['c'], ['d']]);
  });
});
