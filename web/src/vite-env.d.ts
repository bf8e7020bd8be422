// Lets the app import CSS files (Vite bundles them).
declare module "*.css";
