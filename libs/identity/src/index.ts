export * from './user.entity';
export * from './auth.decorators';
export * from './auth.guard';
export * from './token.service';
export * from './identity.service';
export * from './identity.dto';
export * from './identity.module';
export * from './identity.responses';
