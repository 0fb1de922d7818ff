export * from './catalog.schema';
export * from './catalog';
export * from './attempt.rules';
export * from './integrity.rules';
export * from './answer.rules';
export * from './attempt.entities';
export * from './assessments.service';
export * from './assessments.module';
