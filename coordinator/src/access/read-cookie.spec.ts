import { readCookie } from './read-cookie';

describe('readCookie', () => {
  it('finds one cookie among several, by exact name', () => {
    const header = 'theme=dark; __Host-syndicate-console=s3cr=t; other=1';
    expect(readCookie(header, '__Host-syndicate-console')).toBe('s3cr=t');
    expect(readCookie(header, 'syndicate-console')).toBeUndefined();
    expect(readCookie(header, 'theme')).toBe('dark');
  });

  it('answers undefined for no header, an empty value or a bare word', () => {
    expect(readCookie(undefined, 'a')).toBeUndefined();
    expect(readCookie('a=', 'a')).toBeUndefined();
    expect(readCookie('a', 'a')).toBeUndefined();
  });
});
