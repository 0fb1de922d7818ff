import { numberedPlaceholders } from './prepared';

describe('numberedPlaceholders', () => {
  it("numbers MikroORM's ? placeholders in order, casts kept", () => {
    expect(numberedPlaceholders('select ?::uuid, a from t where b = ? and c @> jsonb_build_array(?::text)')).toBe(
      'select $1::uuid, a from t where b = $2 and c @> jsonb_build_array($3::text)',
    );
  });
});
