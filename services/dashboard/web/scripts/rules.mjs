// Writes src/api/rules.gen.ts: the input rules of the forms' schemas in the dashboard's
// contract, so that a form shows and checks the API's own numbers, never a copy of them.
// The whole contract is too large to ship in the app; these few rules are what the forms use.
import { readFileSync, writeFileSync } from "node:fs";

const CONTRACT = "../../../contracts/dashboard.json";
// Another path as the argument: the contract tests write a copy to compare.
const OUT = process.argv[2] ?? "src/api/rules.gen.ts";
const SCHEMAS = ["SignupRequest", "PasswordResetRequest", "PasswordResetConfirm", "ProfileUpdate", "RaceCreate"];
const KEYS = ["type", "format", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

const schemas = JSON.parse(readFileSync(CONTRACT, "utf8")).components.schemas;

function rule(property) {
  // A nullable field is `anyOf: [{...}, {type: "null"}]`: its rule is the non-null branch.
  const branch = property.anyOf?.find((b) => b.type !== "null") ?? property;
  return Object.fromEntries(KEYS.filter((key) => branch[key] !== undefined).map((key) => [key, branch[key]]));
}

const rules = Object.fromEntries(
  SCHEMAS.map((name) => {
    const schema = schemas[name];
    if (!schema) throw new Error(`${name} is not in ${CONTRACT}`);
    return [name, Object.fromEntries(Object.entries(schema.properties).map(([field, p]) => [field, rule(p)]))];
  }),
);

writeFileSync(
  OUT,
  `/** Generated from contracts/dashboard.json by \`npm run generate\` (scripts/rules.mjs): do not edit. */\n\n` +
    `export const rules = ${JSON.stringify(rules, null, 2)} as const;\n`,
);
