/**
 * HTTP/1.1 pieces shared by the front door and the handlers: parsing a request head within limits,
 * form data, short answers written straight to a socket, JSON answers from {@code com.sun.net.httpserver}
 * handlers, socket reads and writes with deadlines, and closing a connection politely. Depends on
 * {@code json} only.
 */
package callbridge.http;
