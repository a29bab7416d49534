// Expected numbers are LiteLLM Python's own (tests/local_testing/messages_with_counts.py): exact for
// text and images; for tools LiteLLM allows counting 0..3 over the true figure, and we assert that same window.
import { describe, expect, it } from 'vitest';
import { tokenCounter } from '../../src/accelerators/tokens/chat';
import { CODES, InvalidArgumentError } from '../../src/errors';
import { countTokens } from '../../src/accelerators/tokens/count';
import { formatToolDefinitions } from '../../src/accelerators/tokens/tools-format';
import { highDetailTokens, imageSize } from '../../src/accelerators/tokens/images';

const TEXT_MESSAGES: [Record<string, string>, number][] = [
  [{ role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' }, 25],
  [{ role: 'system', content: 'You are a bot.' }, 12],
  [{ role: 'system', content: 'Assistant helps the company employees with their healthcare plan questions, and questions about the employee handbook. Be brief in your answers.' }, 31],
  [{ role: 'system', content: 'á' }, 8],
  [{ role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' }, 20],
  [{ role: 'user', content: 'Hello, how are you?' }, 13],
  [{ role: 'user', content: 'á' }, 8],
  [{ role: 'user', content: 'What happens in a performance review?' }, 14],
  [{ role: 'user', content: 'Is there a dress code?' }, 13],
  [{ role: 'user', content: 'What does a Product Manager do?' }, 14],
  [{ role: 'assistant', content: "During the performance review at Contoso Electronics, the supervisor will discuss the employee's performance over the past year and provide feedback on areas for improvement. They will also provide an opportunity for the employee to discuss their goals and objectives for the upcoming year. The review is a two-way dialogue between managers and employees, and employees will receive a written summary of their performance review which will include a rating of their performance, feedback, and goals and objectives for the upcoming year [employee_handbook-3.pdf]." }, 106],
  [{ role: 'assistant', content: "The supervisor will discuss the employee's performance and provide feedback on areas for improvement. They will also provide an opportunity for the employee to discuss their goals and objectives for the upcoming year. The review is a two-way dialogue between managers and employees, and employees will receive a written summary of their performance review which will include a rating of their performance, feedback, and goals for the upcoming year [employee_handbook-3.pdf]." }, 91],
  [{ role: 'assistant', content: 'Yes, there is a dress code at Contoso Electronics. Look sharp! [employee_handbook-1.pdf]' }, 30],
];

const SYSTEM = { role: 'system', content: 'You are a bot.' };
const searchTool = (params?: object) => [{ type: 'function', function: { name: 'search_sources', description: 'Retrieve sources from the Azure AI Search index', ...(params ? { parameters: params } : {}) } }];
const searchParams = { type: 'object', properties: { search_query: { type: 'string', description: "Query string to retrieve documents from azure search eg: 'Health care plan'" } }, required: ['search_query'] };
const demo = (properties: object, required?: string[]) => [{ type: 'function', function: { name: 'data_demonstration', description: 'This is the main function description', parameters: { type: 'object', properties, ...(required ? { required } : {}) } } }];
const objectOne = (properties: object) => ({ object_1: { type: 'object', description: 'The object data type as a property', properties } });

const TOOL_CASES: [string, object[], unknown, number][] = [
  ['inner_object', demo(objectOne({ string1: { type: 'string' } }), ['object_1']), 'none', 65],
  ['inner_object_and_string', demo({ ...objectOne({ string_2a: { type: 'string', enum: ['Happy', 'Sad'] }, string_2b: { type: 'string', description: 'Description in a second object is lost' } }), string_1: { type: 'string', description: 'Not required gets a question mark' } }, ['object_1']), 'none', 103],
  ['inner_object_with_enum_only', demo(objectOne({ string_2a: { type: 'string', enum: ['Happy', 'Sad'] } }), ['object_1']), 'none', 73],
  ['inner_object_with_enum', demo(objectOne({ string_2a: { type: 'string', enum: ['Happy', 'Sad'] }, string_2b: { type: 'string', description: 'Description in a second object is lost' } }), ['object_1']), 'none', 89],
  ['search_sources auto', searchTool(searchParams), 'auto', 66],
  ['search_sources none', searchTool(searchParams), 'none', 67],
  ['search_sources by name', searchTool(searchParams), { type: 'function', function: { name: 'search_sources' } }, 75],
  ['integer_enum', demo({ integer_enum: { type: 'integer', enum: [-1, 1] } }), 'none', 54],
  ['integer_enum by name', demo({ integer_enum: { type: 'integer', enum: [-1, 1] } }), { type: 'function', function: { name: 'data_demonstration' } }, 64],
  ['no_parameters', searchTool(), 'auto', 42],
  ['no_parameters by name', searchTool(), { type: 'function', function: { name: 'search_sources' } }, 51],
  ['no_parameter_description_or_required', searchTool({ type: 'object', properties: { search_query: { type: 'string' } } }), 'auto', 49],
  ['no_parameter_description', searchTool({ type: 'object', properties: { search_query: { type: 'string' } }, required: ['search_query'] }), 'auto', 49],
  ['string_enum', [{ type: 'function', function: { name: 'summarize_order', description: 'Summarize the customer order request', parameters: { type: 'object', properties: { product_name: { type: 'string', description: 'Product name ordered by customer' }, quantity: { type: 'integer', description: 'Quantity ordered by customer' }, unit: { type: 'string', enum: ['meals', 'days'], description: 'unit of measurement of the customer order' } }, required: ['product_name', 'quantity', 'unit'] } } }], 'none', 86],
  ['boolean', [{ type: 'function', function: { name: 'human_escalation', description: 'Check if user wants to escalate to a human', parameters: { type: 'object', properties: { requires_escalation: { type: 'boolean', description: 'If user is showing signs of frustration or anger in the query. Also if the user says they want to talk to a real person and not a chat bot.' } }, required: ['requires_escalation'] } } }], 'none', 89],
  ['array', [{ type: 'function', function: { name: 'get_coordinates', description: 'Get the latitude and longitude of multiple mailing addresses', parameters: { type: 'object', properties: { addresses: { type: 'array', description: 'The mailing addresses to be located', items: { type: 'string' } } }, required: ['addresses'] } } }], 'none', 59],
  ['no_type', [{ type: 'function', function: { name: 'get_no_type', description: 'Get the no type value', parameters: { type: 'object', properties: { no_type_value: { description: 'The no type value to be returned' } }, required: ['no_type_value'] } } }], 'none', 59],
  ['null', [{ type: 'function', function: { name: 'get_null', description: 'Get the null value', parameters: { type: 'object', properties: { null_value: { type: 'null', description: 'The null value to be returned' } }, required: ['null_value'] } } }], 'none', 55],
];

describe('tokenCounter: LiteLLM published counts', () => {
  it.each(TEXT_MESSAGES.map(([m, n]) => [m.content.slice(0, 30), m, n] as const))('text message %s', (_l, message, count) => {
    expect(tokenCounter({ model: 'gpt-35-turbo', messages: [message] })).toBe(count);
  });

  it('text and a 1x1 PNG at detail high on gpt-4o: 266', () => {
    const message = {
      role: 'user',
      content: [
        { type: 'text', text: 'Describe this picture:' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z/C/HgAGgwJ/lK3Q6wAAAABJRU5ErkJggg==', detail: 'high' } },
      ],
    };
    expect(tokenCounter({ model: 'gpt-4o', messages: [message] })).toBe(266);
  });

  it.each(TOOL_CASES)('tools: %s (LiteLLM allows 0..3 over)', (_name, tools, toolChoice, expected) => {
    const got = tokenCounter({ model: 'gpt-35-turbo', messages: [SYSTEM], tools: tools as never, toolChoice: toolChoice as never });
    expect(got - expected).toBeGreaterThanOrEqual(0);
    expect(got - expected).toBeLessThanOrEqual(3);
  });
});

describe('tokenCounter rules', () => {
  const user = { role: 'user', content: 'Hello there' };
  it('3 per message, +1 per name, +3 reply priming', () => {
    const c = (s: string) => countTokens(s);
    expect(tokenCounter({ model: 'gpt-4', messages: [user] })).toBe(3 + c('user') + c('Hello there') + 3);
    expect(tokenCounter({ model: 'gpt-4', messages: [{ ...user, name: 'bob' }] })).toBe(3 + c('user') + c('Hello there') + c('bob') + 1 + 3);
    expect(tokenCounter({ model: 'gpt-4', messages: [user], countResponseTokens: true })).toBe(3 + c('user') + c('Hello there'));
  });
  it('gpt-3.5-turbo-0301 uses 4 per message and -1 per name', () => {
    const c = (s: string) => countTokens(s);
    expect(tokenCounter({ model: 'gpt-3.5-turbo-0301', messages: [{ ...user, name: 'bob' }] })).toBe(4 + c('user') + c('Hello there') + c('bob') - 1 + 3);
  });
  it('counts tool call arguments and tool message strings', () => {
    const args = '{"query":"search query","domain":"google.ca","gl":"ca","hl":"en"}';
    const messages = [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'SearchInternet', arguments: args } }] },
      { tool_call_id: 'call_1', role: 'tool', name: 'SearchInternet', content: 'tool content' },
    ];
    const c = (s: string) => countTokens(s);
    const want = 3 + c('assistant') + c(args) + 3 + c('call_1') + c('tool') + c('SearchInternet') + 1 + c('tool content') + 3;
    expect(tokenCounter({ model: 'gpt-3.5-turbo', messages })).toBe(want);
  });
  it('system message with tools takes 4 off; tool_choice none adds 1', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const withSys = tokenCounter({ model: 'gpt-4', messages: [SYSTEM], tools });
    const c = (s: string) => countTokens(s);
    expect(withSys).toBe(3 + c('system') + c('You are a bot.') + 3 + c(formatToolDefinitions(tools)) + 9 - 4);
    expect(tokenCounter({ model: 'gpt-4', messages: [SYSTEM], tools, toolChoice: 'none' })).toBe(withSys + 1);
  });
  it('images: low and auto are 85, high tiles, unknown size is 300x300, default count 250', () => {
    const msg = (image_url: unknown) => [{ role: 'user', content: [{ type: 'image_url', image_url }] }];
    const base = 3 + countTokens('user', { model: 'gpt-4o' }) + 3;
    expect(tokenCounter({ model: 'gpt-4o', messages: msg({ url: 'https://x/y.png', detail: 'low' }) })).toBe(base + 85);
    expect(tokenCounter({ model: 'gpt-4o', messages: msg('https://x/y.png') })).toBe(base + 85);
    expect(tokenCounter({ model: 'gpt-4o', messages: msg({ url: 'https://x/y.png', detail: 'high' }) })).toBe(base + 255);
    expect(tokenCounter({ model: 'gpt-4o', messages: msg({ url: 'https://x/y.png', detail: 'high' }), useDefaultImageTokenCount: true })).toBe(base + 250);
    expect(highDetailTokens(1024, 1024)).toBe(765);
    expect(highDetailTokens(1920, 1080)).toBe(1105);
    expect(highDetailTokens(4096, 8192)).toBe(85 + 170 * 6);
    expect(highDetailTokens(1000, 10000)).toBe(85 + 170 * 4);
  });
  it('reads GIF and JPEG sizes', () => {
    const gif = Buffer.from('474946383961' + '2003' + '5802', 'hex');
    expect(imageSize(gif)).toEqual([800, 600]);
    const jpeg = Buffer.from('ffd8' + 'ffe000104a46494600010100000100010000' + 'ffc0001108' + '0258' + '0320' + '03012200021101031101', 'hex');
    expect(imageSize(jpeg)).toEqual([800, 600]);
  });
  it('text mode: string or list of strings; invalid combinations throw', () => {
    expect(tokenCounter({ model: 'gpt-4o', text: 'hello world' })).toBe(countTokens('hello world', { model: 'gpt-4o' }));
    expect(tokenCounter({ model: 'gpt-4', text: ['hello', ' world'] })).toBe(countTokens('hello world'));
    const invalid = (options: object, message: string) => {
      const err = (() => {
        try {
          tokenCounter(options as never);
        } catch (e) {
          return e as Error & { code?: string };
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect([err?.code, err?.message]).toEqual([CODES.INVALID_ARGUMENT, message]);
    };
    invalid({ model: 'gpt-4', text: 'x', messages: [] },
      'tokenCounter: messages: invalid value an array; accepted: nothing when text is set (text and messages cannot both be set)');
    invalid({ model: 'gpt-4', text: 'x', toolChoice: 'none' }, 'tokenCounter: toolChoice: invalid value "none"; accepted: nothing when text is set');
    invalid({ model: 'gpt-4' }, 'tokenCounter: messages: invalid value undefined; accepted: an array (or text)');
    invalid({ model: 'gpt-4', messages: [{ role: 'user', content: [{ type: 'video' }] }] },
      'tokenCounter: messages[0].content[0].type: invalid value "video"; accepted: text, image_url, thinking, redacted_thinking');
    invalid({ model: 'gpt-4', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 1 }] }] },
      'tokenCounter: messages[1].tool_calls[0]: invalid value an object; accepted: an object with a function key');
    invalid({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x', detail: 'max' } }] }] },
      'tokenCounter: messages[0].content[0].image_url.detail: invalid value "max"; accepted: low, high, auto');
    invalid({ model: 7, text: 'x' }, 'tokenCounter: model: invalid value 7; accepted: a string');
    expect(tokenCounter({ model: 'gpt-4', messages: [{ role: 'user', content: [{ type: 'video' }] }], defaultTokenCount: 7 })).toBe(3 + 1 + 7 + 3);
  });
});
