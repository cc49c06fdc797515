// The interactive API reference: Swagger UI, served from the app's own static files.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("api-docs");
  if (!target || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    url: target.dataset.specUrl,
    domNode: target,
    deepLinking: true,
    validatorUrl: null, // never send the spec to a third-party validator
    tryItOutEnabled: false,
  });
});
