import { bearerToken } from './bearer.js';

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def-ghi_jkl', 'abc.def-ghi_jkl'],
    ['bearer abc', 'abc'],
    ['BEARER   abc==', 'abc=='],
  ])('reads %p', (header, expected) => {
    expect(bearerToken({ authorization: header })).toBe(expected);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Token abc'])(
    'finds none in %p',
    (header) => {
      expect(bearerToken({ authorization: header })).toBeUndefined();
    },
  );
});
