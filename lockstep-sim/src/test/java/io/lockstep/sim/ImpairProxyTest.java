package io.lockstep.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Test;

/** The proxy on loopback, with bounded loops and only lower bounds on time. */
class ImpairProxyTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void udpDatagramsAreDelayedBothWays() throws IOException {
        try (DatagramSocket echo = new DatagramSocket(ANY_LOOPBACK);
             ImpairProxy proxy = ImpairProxy.udp(ANY_LOOPBACK, (InetSocketAddress) echo.getLocalSocketAddress(),
                     LinkModel.fixed(5_000_000), 1);
             DatagramSocket client = new DatagramSocket(ANY_LOOPBACK)) {
            Thread server = echoDatagrams(echo, 5);
            client.setSoTimeout(5_000);
            for (int i = 0; i < 5; i++) {
                byte[] msg = {(byte) i, 42};
                long start = System.nanoTime();
                client.send(new DatagramPacket(msg, msg.length, proxy.localAddress()));
                DatagramPacket reply = new DatagramPacket(new byte[16], 16);
                client.receive(reply);
                long elapsed = System.nanoTime() - start;
                assertArrayEquals(msg, java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
                assertTrue(elapsed >= 10_000_000, "round trip " + elapsed);
            }
            server.interrupt();
        }
    }

    @Test
    void udpLossDropsDatagrams() throws IOException {
        try (DatagramSocket echo = new DatagramSocket(ANY_LOOPBACK);
             ImpairProxy proxy = ImpairProxy.udp(ANY_LOOPBACK, (InetSocketAddress) echo.getLocalSocketAddress(),
                     LinkModel.fixed(100_000).withLoss(0.5), 2);
             DatagramSocket client = new DatagramSocket(ANY_LOOPBACK)) {
            echoDatagrams(echo, 200);
            for (int i = 0; i < 100; i++) {
                client.send(new DatagramPacket(new byte[] {1}, 1, proxy.localAddress()));
            }
            client.setSoTimeout(1_000);
            int received = 0;
            try {
                for (int i = 0; i < 100; i++) {
                    client.receive(new DatagramPacket(new byte[4], 4));
                    received++;
                }
            } catch (SocketTimeoutException expected) {
                // All survivors arrived.
            }
            // Half lost each way: about a quarter return.
            assertTrue(received > 5 && received < 50, "received " + received);
        }
    }

    @Test
    void tcpBytesArriveInOrderAndLate() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ImpairProxy proxy = ImpairProxy.tcp(ANY_LOOPBACK, (InetSocketAddress) echo.getLocalSocketAddress(),
                     new LinkModel(3_000_000, 0, 1_000_000, 2.5, 0.1, 0, 0, 0, 0), 3)) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException ignored) {
                    // Test ends.
                }
            });
            server.setDaemon(true);
            server.start();
            try (Socket client = new Socket()) {
                client.connect(proxy.localAddress(), 5_000);
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                byte[] sent = new byte[20_000];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = (byte) (i * 31);
                }
                long start = System.nanoTime();
                for (int i = 0; i < sent.length; i += 1000) {
                    out.write(sent, i, 1000);
                    out.flush();
                }
                client.shutdownOutput();
                byte[] got = in.readAllBytes();
                long elapsed = System.nanoTime() - start;
                assertArrayEquals(sent, got);
                assertTrue(elapsed >= 6_000_000, "elapsed " + elapsed);
            }
        }
    }

    private static Thread echoDatagrams(DatagramSocket socket, int max) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[1500];
            try {
                for (int i = 0; i < max; i++) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                }
            } catch (IOException ignored) {
                // Socket closed at the end of the test.
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
