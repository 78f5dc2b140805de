import { z } from 'zod';

interface JsonSchemaProperty {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: JsonSchemaProperty;
  minimum?: number;
  maximum?: number;
}

/**
 * One row per option of a data set's schema: name, type, default (or 'required'), description,
 * read from the schema's JSON Schema (its input side, so defaults show). A schema JSON Schema
 * cannot express gives its keys alone.
 */
export function optionRows(schema: z.ZodType): string[][] {
  let json: { properties?: Record<string, JsonSchemaProperty>; required?: string[] };
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as typeof json;
  } catch {
    const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
    return Object.keys(shape).map((k) => [k, '', '', '']);
  }
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => [
    name,
    describeType(p),
    p.default !== undefined ? JSON.stringify(p.default) : required.has(name) ? 'required' : '',
    p.description ?? p.items?.description ?? '',
  ]);
}

function describeType(p: JsonSchemaProperty): string {
  if (p.enum !== undefined) return `one of ${p.enum.map(String).join(', ')}`;
  if (p.type === 'array') return `list of ${p.items === undefined ? 'values' : describeType(p.items)}`;
  const range = p.minimum !== undefined || p.maximum !== undefined ? ` ${p.minimum ?? ''}..${p.maximum ?? ''}` : '';
  return `${p.type ?? 'value'}${range}`;
}
