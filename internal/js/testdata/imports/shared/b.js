export const name = 'b';
export const offset = 0;
export default { kind: 'shared' };
