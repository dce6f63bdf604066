import 'reflect-metadata';
import { ApiProperty, DECORATORS } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import { IsString, Length, validateSync } from 'class-validator';
import { applyValidatorsToSwagger } from './openapi-validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

class Recipient {
  @ApiProperty() @Transform(trim) @IsString() @Length(3, 10) address!: string;
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 10) name!: string;
}

/** The document's keywords for one property, after the validators were written into it. */
function schemaOf(property: keyof Recipient): { minLength: number; maxLength: number; pattern: string } {
  return Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, Recipient.prototype, property);
}

/** What the server decides: trimmed, then validated. */
function serverAccepts(property: keyof Recipient, value: string): boolean {
  const other = property === 'address' ? { name: 'n' } : { address: 'abc' };
  return validateSync(plainToInstance(Recipient, { ...other, [property]: value })).length === 0;
}

/** What a client or fuzzer that follows the document decides. */
function documentAccepts(property: keyof Recipient, value: string): boolean {
  const { minLength, maxLength, pattern } = schemaOf(property);
  return value.length >= minLength && value.length <= maxLength && new RegExp(pattern, 'u').test(value);
}

describe('OpenAPI keywords from the validators', () => {
  beforeAll(() => applyValidatorsToSwagger());

  it('states the length bounds of @Length', () => {
    expect(schemaOf('address')).toMatchObject({ minLength: 3, maxLength: 10 });
  });

  // Schemathesis sent an address of three characters that trims to fewer (" x "), which the document
  // allowed and the server refused (400): a trimmed string's pattern now carries its minimum length.
  it.each([
    ['address', 'abc', true],
    ['address', 'a b', true],
    ['address', ' ab ', false],
    ['address', '\tx\n', false],
    ['address', '   ', false],
    ['address', ' abc ', true],
    ['name', 'x', true],
    ['name', '  x ', true],
    ['name', '  ', false],
  ] as const)('the document and the server agree on %s %j (accepted: %s)', (property, value, accepted) => {
    expect(serverAccepts(property, value)).toBe(accepted);
    expect(documentAccepts(property, value)).toBe(accepted);
  });
});
