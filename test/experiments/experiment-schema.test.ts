import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { experimentJsonSchema, experimentSchema, MODEL_TYPES } from '../../src/experiments/experiment-schema.ts';
import { MODALITIES } from '../../src/inputs/input-spec.ts';
import { MODELS } from '../../src/models/model-registry.ts';

/** The experiment schema's `model:` is assembled from the model registry. */

const Schema = suite('experiment schema: models');
type Member = {
  properties: { type: { const: string } } & Record<string, unknown>;
  description?: string;
  additionalProperties: boolean;
};
const members = () =>
  (experimentJsonSchema() as { properties: { model: { anyOf?: Member[]; oneOf?: Member[] } } }).properties.model;

Schema('model: has one member per registered model, in registry order, each strict and described', () => {
  const model = members();
  const list = (model.oneOf ?? model.anyOf) as Member[];
  assert.equal(
    list.map((m) => m.properties.type.const),
    MODELS.types(),
  );
  assert.equal(
    list.map((m) => m.description),
    MODELS.entries().map((e) => e.describe),
  );
  assert.ok(
    list.every((m) => m.additionalProperties === false),
    'unknown options are errors',
  );
  assert.equal(
    list.map((m) => Object.keys(m.properties)),
    MODELS.entries().map((e) => ['type', ...Object.keys(e.options.shape)]),
    "type first, then the entry's options",
  );
});

Schema("MODEL_TYPES, for messages, are the registry's types", () => {
  assert.equal([...MODEL_TYPES], MODELS.types());
});

Schema("every model a name alone makes resolves to its type and its options' defaults", () => {
  for (const type of MODELS.typesWithoutOptions()) {
    const { model } = experimentSchema().parse({ name: 'x', dataset: { name: 'synthetic' }, model: { type } });
    const defaults = (MODELS.entry(type)?.options.parse({}) ?? {}) as Record<string, unknown>;
    assert.equal(model, { type, ...defaults }, type);
    assert.equal(Object.keys(model), ['type', ...Object.keys(defaults)], `${type}: type first`);
  }
});

Schema("fusion's `use` takes the modalities of the one list", () => {
  const fusion = ((members().oneOf ?? members().anyOf) as Member[]).find(
    (m) => m.properties.type.const === 'fusion',
  ) as Member;
  assert.equal((fusion.properties['use'] as { items: { enum: string[] } }).items.enum, [...MODALITIES]);
  assert.not.ok(
    experimentSchema().safeParse({
      name: 'x',
      dataset: { name: 'synthetic' },
      model: { type: 'fusion', use: ['depth'] },
    }).success,
  );
});

Schema.run();
