/**
 * HTTP/1.1 pieces shared by the front door and the handlers: parsing a request head within limits,
 * form data, short answers written straight to a socket, JSON answers from {@code com.sun.net.httpserver}
 * handlers, and closing a connection politely.
 */
package callbridge.http;
