export const text = open('../../data/hello.txt');
