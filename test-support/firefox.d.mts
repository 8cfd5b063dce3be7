export declare const firefoxPath: string;
export declare const firefoxLauncher: string;
export declare const firefoxPrefs: Record<string, string | number | boolean>;
