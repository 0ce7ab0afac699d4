// Builds the browser pages: the online TLS check page (dist/web) and the add-in's event bundle
// (dist/addin/launchevent.js: one ES2016 file for classic Outlook's JavaScript-only runtime).
const path = require("node:path");
const webpack = require("webpack");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const TerserPlugin = require("terser-webpack-plugin");

const publicUrl = (process.env.MAILTLS_PUBLIC_URL || "https://localhost:3000").replace(/\/+$/, "");
const entraClientId = process.env.MAILTLS_ENTRA_CLIENT_ID || "";
// What the add-in does when the service cannot be reached before it ever received a policy (after
// that, the policy's failOpen, kept in roamingSettings, decides).
const failOpenSetting = (process.env.MAILTLS_FAIL_OPEN || "true").toLowerCase();
if (!["true", "false"].includes(failOpenSetting))
  throw new Error(`MAILTLS_FAIL_OPEN="${process.env.MAILTLS_FAIL_OPEN}" must be true or false`);
const failOpen = failOpenSetting === "true";

/** TypeScript through ts-loader with the given tsconfig (type-checking is `npm run lint`'s job). */
const typescript = (configFile, test = /\.tsx?$/) => ({
  rules: [
    { test, loader: "ts-loader", exclude: /node_modules/, options: { configFile, transpileOnly: true } },
  ],
});

const launchEvent = (production) => ({
  name: "launchevent",
  mode: production ? "production" : "development",
  devtool: false,
  target: ["web", "es5"],
  entry: { launchevent: "./src/addin/launchevent.ts" },
  output: { path: path.resolve(__dirname, "dist/addin"), filename: "[name].js", iife: true },
  resolve: { extensions: [".ts", ".js"] },
  module: typescript("tsconfig.addin.json", /\.ts$/),
  plugins: [
    // The service's URL, and the Entra app whose single sign-on token the handlers send it (empty: none).
    new webpack.DefinePlugin({
      __MAILTLS_PUBLIC_URL__: JSON.stringify(publicUrl),
      __MAILTLS_ENTRA_CLIENT_ID__: JSON.stringify(entraClientId),
      __MAILTLS_FAIL_OPEN__: JSON.stringify(failOpen),
    }),
    // The HTML runtime page loads the same file.
    new HtmlWebpackPlugin({
      template: "./src/addin/commands.html",
      filename: "commands.html",
      inject: false,
      minify: false,
    }),
  ],
  optimization: {
    splitChunks: false,
    runtimeChunk: false,
    minimizer: [
      new TerserPlugin({
        extractComments: false,
        terserOptions: {
          ecma: 2016,
          compress: { passes: 3, ecma: 2016, pure_getters: true },
          // ASCII only: the file's bytes do not depend on how a runtime guesses its encoding.
          format: { ascii_only: true, comments: false },
        },
      }),
    ],
  },
  performance: { hints: false },
});

// The add-in's pages: the compose task pane, and the playground that imitates Outlook around it.
// They share React and Fluent UI chunks; the pane's own initial JavaScript is measured by bench:addin.
const addinPages = (production) => ({
  name: "addin-pages",
  mode: production ? "production" : "development",
  // Maps stay on disk for whoever debugs on the server; the bundles do not point to them, and the
  // service does not serve them (static.ts).
  devtool: production ? "hidden-source-map" : "eval-source-map",
  entry: { taskpane: "./src/addin/taskpane/index.tsx", playground: "./src/addin/playground/index.tsx" },
  output: {
    path: path.resolve(__dirname, "dist/addin"),
    filename: "[name].[contenthash:8].js",
    chunkFilename: "[name].[contenthash:8].js",
  },
  resolve: { extensions: [".tsx", ".ts", ".js"] },
  module: typescript("tsconfig.pane.json"),
  plugins: [
    // The Entra app: single sign-on to the service, and OneDrive links through nested app
    // authentication; empty: neither.
    new webpack.DefinePlugin({
      __MAILTLS_ENTRA_CLIENT_ID__: JSON.stringify(entraClientId),
      __MAILTLS_FAIL_OPEN__: JSON.stringify(failOpen),
    }),
    new HtmlWebpackPlugin({
      template: "./src/addin/taskpane/taskpane.html",
      filename: "taskpane.html",
      chunks: ["taskpane"],
    }),
    new HtmlWebpackPlugin({
      template: "./src/addin/playground/playground.html",
      filename: "playground.html",
      chunks: ["playground"],
    }),
  ],
  optimization: { splitChunks: { chunks: "all" } },
  performance: { hints: false },
});

module.exports = (_env, argv) => {
  const production = argv.mode !== "development";
  return [
    launchEvent(production),
    {
      mode: production ? "production" : "development",
      devtool: production ? "hidden-source-map" : "eval-source-map",
      // The public check page at /, and the admin console at /admin/; they share React and Fluent UI.
      entry: { check: "./src/web/index.tsx", admin: "./src/web/admin/index.tsx" },
      output: {
        path: path.resolve(__dirname, "dist/web"),
        filename: "[name].[contenthash:8].js",
        chunkFilename: "[name].[contenthash:8].js",
        clean: true,
      },
      resolve: { extensions: [".tsx", ".ts", ".js"] },
      module: typescript("tsconfig.web.json"),
      plugins: [
        new HtmlWebpackPlugin({
          template: "./src/web/index.html",
          filename: "index.html",
          chunks: ["check"],
        }),
        new HtmlWebpackPlugin({
          template: "./src/web/admin/index.html",
          filename: "admin/index.html",
          chunks: ["admin"],
        }),
      ],
      optimization: { splitChunks: { chunks: "all" } },
      performance: { hints: false },
    },
    addinPages(production),
  ];
};
