import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "schema", description: "Print the JSON Schema of the PALHM JSON config format (for editors)" },
  async run() {
    const { toJsonSchema } = await import("@valibot/to-json-schema");
    const { palhmJsonSchema } = await import("../config/json-schema.ts");
    const schema = { ...toJsonSchema(palhmJsonSchema, { errorMode: "ignore" }), title: "palhm config (PALHM JSON format)" };
    process.stdout.write(JSON.stringify(schema, null, 2) + "\n");
    return 0;
  },
});
