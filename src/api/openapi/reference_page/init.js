// Renders this server's /openapi.json with Swagger UI (swagger-ui-bundle.js, served beside this
// file from the binary). A file of its own, not an inline script, so the page's
// Content-Security-Policy allows scripts from this origin only. validatorUrl: null keeps the
// page offline: by default Swagger UI asks validator.swagger.io for a badge.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#reference',
  validatorUrl: null,
  deepLinking: true,
});
