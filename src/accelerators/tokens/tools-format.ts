// Tool definitions rendered as the TypeScript-like namespace OpenAI injects into the prompt, in the
// same shape LiteLLM Python counts (`_format_function_definitions`), so the counts line up with it.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Python's str() of enum members, which is what ends up in the rendered prompt. */
function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return String(v);
}

function* functionsOf(tool: Obj): Generator<Obj> {
  if (isObj(tool.function)) {
    yield tool.function;
    return;
  }
  const declarations = tool.function_declarations ?? tool.functionDeclarations;
  if (Array.isArray(declarations)) {
    for (const d of declarations) if (isObj(d)) yield d;
    return;
  }
  const parameters = tool.input_schema || tool.parameters || {};
  yield { name: tool.name, description: tool.description, parameters: isObj(parameters) ? parameters : {} };
}

function formatType(props: Obj, indent: number): string {
  switch (props.type) {
    case 'string':
      return Array.isArray(props.enum) ? props.enum.map((e) => `"${pyStr(e)}"`).join(' | ') : 'string';
    case 'array':
      return `${formatType(isObj(props.items) ? props.items : {}, indent)}[]`;
    case 'object':
      return `{\n${formatObject(props, indent + 2)}\n}`;
    case 'integer':
    case 'number':
      return Array.isArray(props.enum) ? props.enum.map((e) => `"${pyStr(e)}"`).join(' | ') : 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    default:
      return 'any';
  }
}

function formatObject(parameters: Obj, indent: number): string {
  const properties = parameters.properties;
  if (!isObj(properties) || Object.keys(properties).length === 0) return '';
  const required = Array.isArray(parameters.required) ? parameters.required : [];
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(properties)) {
    const props = isObj(raw) ? raw : {};
    if (props.description) lines.push(`// ${pyStr(props.description)}`);
    const question = required.includes(key) ? '' : '?';
    lines.push(`${key}${question}: ${formatType(props, indent)},`);
  }
  const pad = ' '.repeat(Math.max(0, indent));
  return lines.map((line) => pad + line).join('\n');
}

function formatFunction(fn: Obj): string[] {
  const name = fn.name;
  if (!name) return [];
  const description = fn.description ? [`// ${pyStr(fn.description)}`] : [];
  const parameters = isObj(fn.parameters) ? fn.parameters : {};
  if (isObj(parameters.properties) && Object.keys(parameters.properties).length > 0) {
    return [...description, `type ${pyStr(name)} = (_: {`, formatObject(parameters, 0), '}) => any;', ''];
  }
  return [...description, `type ${pyStr(name)} = () => any;`, ''];
}

export function formatToolDefinitions(tools: readonly unknown[]): string {
  const lines = ['namespace functions {', ''];
  for (const tool of tools) {
    if (!isObj(tool)) continue;
    for (const fn of functionsOf(tool)) lines.push(...formatFunction(fn));
  }
  lines.push('} // namespace functions');
  return lines.join('\n');
}
