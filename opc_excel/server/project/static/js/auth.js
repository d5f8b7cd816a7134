// How the add-in authenticates (replaces xlwings Server's auth.js): Entra ID when configured,
// else the access token typed once in the task pane (xlwings Server's "custom" provider).
globalThis.getAuth = async function () {
  if (config.authProviders.includes("entraid")) {
    return { token: await xlwings.getAccessToken(), provider: "entraid" };
  }
  if (config.authProviders.includes("custom")) {
    return { token: localStorage.getItem("opc-jeton") || "", provider: "custom" };
  }
  return { token: "", provider: "" };
};
