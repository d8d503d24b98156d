if (__VU > 0) open('./data/hello.txt');
export default function () {}
