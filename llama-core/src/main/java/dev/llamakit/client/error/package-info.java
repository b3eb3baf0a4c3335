/**
 * What can go wrong in a call to a model server. Every failure is an unchecked {@link
 * dev.llamakit.client.error.LlamaException}; no message holds the API key.
 *
 * <table>
 * <caption>Which error means what (indentation is the class hierarchy)</caption>
 * <tr><th>exception</th><th>means</th><th>retried by the client</th></tr>
 * <tr><td>{@link dev.llamakit.client.error.LlamaException}</td>
 *     <td>the root; other packages' errors (memory, tools, structured output, stores) extend it too</td><td>-</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.LlamaApiException}</td>
 *     <td>the server answered an error status; {@code status()}, {@code requestId()}, {@code body()}; 408 and
 *     statuses without a subclass arrive as this class</td><td>408: yes</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.BadRequestException}</td><td>400: the request was rejected</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.AuthenticationException}</td><td>401: key missing or invalid</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.PermissionDeniedException}</td><td>403: the key may not do this</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.NotFoundException}</td><td>404: no such path or model</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.ConflictException}</td><td>409: conflicts with the server's state</td><td>yes</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.UnprocessableEntityException}</td><td>422: well-formed but invalid</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.RateLimitException}</td>
 *     <td>429: too many requests or tokens; {@code retryAfter()}</td><td>yes, honouring {@code Retry-After}</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.InternalServerException}</td><td>5xx: the server failed</td><td>yes</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.LlamaConnectionException}</td>
 *     <td>the server could not be reached, or the connection broke</td><td>yes</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.LlamaTimeoutException}</td>
 *     <td>connect timeout, or an attempt exceeded the call's timeout</td><td>yes</td></tr>
 * <tr><td>&nbsp;&nbsp;&nbsp;&nbsp;{@link dev.llamakit.client.error.TruncatedStreamException}</td>
 *     <td>a stream broke, went idle for the timeout, or ended without its end marker; {@code partial()}</td>
 *     <td>only before its first event (the stream is reopened)</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.StreamErrorException}</td>
 *     <td>the server reported an error inside a 200 stream</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.StreamCancelledException}</td>
 *     <td>the caller closed the stream before its end; {@code partial()}</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.MalformedResponseException}</td>
 *     <td>a 2xx answer that is not the expected JSON</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.CrossOriginRedirectException}</td>
 *     <td>a redirect to another origin, or from https to http: not followed, so that no credential leaves its
 *     origin</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.UnsupportedEndpointException}</td>
 *     <td>the server has no such endpoint (moderation on an OpenAI-compatible server)</td><td>no</td></tr>
 * <tr><td>&nbsp;&nbsp;{@link dev.llamakit.client.error.LlamaConfigurationException}</td>
 *     <td>the client is not set up for the call (no API key for the Llama dialect)</td><td>no</td></tr>
 * </table>
 *
 * <p>A server's {@code x-should-retry} header overrides the status rule; retries stop after
 * {@code maxRetries} (default 2), after which the last failure is thrown. A cancelled call is never retried.
 */
package dev.llamakit.client.error;
