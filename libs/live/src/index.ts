export * from './live.publisher';
export { liveEmit, liveCloseRoom } from './live-outbox';
export * from './live-ack';
export { flushSocketWrites } from './live-drain';
export * from './live-user';
export * from './live.gateway';
export * from './redis-streams-io.adapter';
export * from './live.module';
