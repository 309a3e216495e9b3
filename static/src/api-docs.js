// The API reference page (/api/docs): Swagger UI from the pinned swagger-ui-dist package, bundled at
// install time and served from /static, so the page loads nothing from another site.
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-es-bundle.js";

SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
