// Builds the browser pages: the online TLS check page (dist/web). The add-in's bundles join here.
const path = require("node:path");
const HtmlWebpackPlugin = require("html-webpack-plugin");

module.exports = (_env, argv) => {
  const production = argv.mode !== "development";
  return {
    mode: production ? "production" : "development",
    devtool: production ? "source-map" : "eval-source-map",
    entry: { check: "./src/web/index.tsx" },
    output: {
      path: path.resolve(__dirname, "dist/web"),
      filename: "[name].[contenthash:8].js",
      clean: true,
    },
    resolve: { extensions: [".tsx", ".ts", ".js"] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          loader: "ts-loader",
          exclude: /node_modules/,
          options: { configFile: "tsconfig.web.json", transpileOnly: true },
        },
      ],
    },
    plugins: [new HtmlWebpackPlugin({ template: "./src/web/index.html", filename: "index.html" })],
    performance: { hints: false },
  };
};
