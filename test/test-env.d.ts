export declare const TEST_ENV: Readonly<Record<string, string>>;
