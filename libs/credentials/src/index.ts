export * from './credentials.entities';
export * from './credentials.rules';
export * from './grading.rules';
export * from './credentials.service';
export * from './grading.service';
export * from './credentials.module';
export * from './runner';
