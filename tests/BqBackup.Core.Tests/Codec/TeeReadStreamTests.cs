using System;
using System.IO;
using System.IO.Compression;
using BqBackup.Codec;
using Xunit;

namespace BqBackup.Tests.Codec
{
    public class TeeReadStreamTests
    {
        [Fact]
        public void Every_byte_read_reaches_the_sink_including_what_the_reader_left_after_the_gzip_end()
        {
            var raw = new byte[300_000];
            new Random(7).NextBytes(raw);
            byte[] body;
            using (var m = new MemoryStream())
            {
                using (var g = new GZipStream(m, CompressionLevel.Fastest, leaveOpen: true)) g.Write(raw, 0, raw.Length);
                m.Write(new byte[] { 1, 2, 3 }, 0, 3); // trailing bytes a gzip reader may never ask for
                body = m.ToArray();
            }
            using (var sink = new MemoryStream())
            {
                var tee = new TeeReadStream(new MemoryStream(body), sink);
                using (var g = new GZipStream(tee, CompressionMode.Decompress, leaveOpen: true))
                {
                    var buffer = new byte[8192];
                    try { while (g.Read(buffer, 0, buffer.Length) > 0) { } }
                    catch (InvalidDataException) { } // the trailing bytes are no gzip member
                }
                tee.Drain();
                Assert.Equal(body.Length, tee.Count);
                Assert.Equal(body, sink.ToArray());
            }
        }
    }
}
