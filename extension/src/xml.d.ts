// esbuild's text loader inlines the interface XML as a string at build time.
declare module '*.xml' {
  const text: string;
  export default text;
}
