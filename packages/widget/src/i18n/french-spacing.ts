/**
 * French typography: a no-break space before : ; ? ! and %, and inside « », so a line never starts
 * with one of them. Applied to a whole message object (strings, lists, and what functions return),
 * so the French sources stay readable with plain spaces.
 */
export function frenchSpacing<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/ ([:;?!%»])/g, '\u00a0$1').replace(/« /g, '«\u00a0') as T;
  if (typeof value === 'function') {
    const spaced = (...args: unknown[]) => frenchSpacing((value as (...a: unknown[]) => unknown)(...args));
    // Keep the arity, so the wrapped text function still says how many arguments it takes.
    return Object.defineProperty(spaced, 'length', { value: value.length }) as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => frenchSpacing(item)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, frenchSpacing(item)])) as T;
  }
  return value;
}
