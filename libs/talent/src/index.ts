export * from './categories';
export * from './talent.entities';
export * from './talent.service';
export * from './talent.module';
