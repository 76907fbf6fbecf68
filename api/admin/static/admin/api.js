// Calls from the admin pages to the JSON API with the signed-in session: same origin, the page's CSRF token
// in X-CSRFToken (the API refuses a session's changes without it). Resolves to {status, body}; never throws
// on an HTTP error, so that a page can show the OMS's own problem detail.
window.omsApi = async function omsApi(method, url, body) {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const headers = { "X-CSRFToken": token, Accept: "application/json" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (error) {
    parsed = { detail: text };
  }
  return { status: response.status, body: parsed };
};
