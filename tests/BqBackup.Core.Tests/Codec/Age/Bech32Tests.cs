using System;
using System.Linq;
using BqBackup.Codec.Age;
using Xunit;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>BIP-173's published test vectors, and the one place age departs from it (no length limit).</summary>
    public sealed class Bech32Tests
    {
        [Theory]
        [InlineData("A12UEL5L")]
        [InlineData("a12uel5l")]
        [InlineData("an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs")]
        [InlineData("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")]
        [InlineData("11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j")]
        [InlineData("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w")]
        [InlineData("?1ezyfcl")]
        public void ValidChecksumsDecodeAndReencode(string s)
        {
            Assert.True(Bech32.TryDecode(s, out var hrp, out var data, out var error), error);
            Assert.Equal(s.ToLowerInvariant(), Bech32.Encode(hrp, data));
        }

        [Theory]
        [InlineData("\u00201nwldj5")]   // HRP character out of range
        [InlineData("\u007f1axkwrx")]
        [InlineData("\u00801eym55h")]
        [InlineData("pzry9x0s0muk")]    // no separator
        [InlineData("1pzry9x0s0muk")]   // empty HRP
        [InlineData("x1b4n0q5v")]       // invalid data character
        [InlineData("li1dgmt3")]        // too short checksum
        [InlineData("de1lg7wt\u00ff")]  // invalid character in checksum
        [InlineData("A1G7SGD8")]        // checksum calculated with uppercase HRP
        [InlineData("10a06t8")]         // empty HRP
        [InlineData("1qzzfhee")]        // empty HRP
        public void InvalidStringsAreRefused(string s)
        {
            Assert.False(Bech32.TryDecode(s, out _, out _, out var error));
            Assert.False(string.IsNullOrEmpty(error));
        }

        [Fact]
        public void OverLongStringsAreReadAsAgeLiftsBip173sLimit()
        {
            // BIP-173 refuses this for its 90-character limit alone; age's spec has no limit.
            const string s = "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx";
            Assert.True(Bech32.TryDecode(s, out var hrp, out _, out var error), error);
            Assert.Equal(84, hrp.Length);
        }

        [Fact]
        public void MixedCaseIsRefused()
        {
            Assert.False(Bech32.TryDecode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqXW", out _, out _, out _));
        }

        [Fact]
        public void SegwitVectorRegroupsToItsProgram()
        {
            // BIP-173: BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 is witness v0, program 751e76e8199196d454941c45d1b3a323f1433bd6.
            Assert.True(Bech32.TryDecode("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", out var hrp, out var data, out _));
            Assert.Equal("BC", hrp);
            Assert.Equal(0, data[0]);
            var program = Bech32.ConvertBits(data.Skip(1).ToArray(), 5, 8, false);
            Assert.Equal("751e76e8199196d454941c45d1b3a323f1433bd6", BitConverter.ToString(program).Replace("-", "").ToLowerInvariant());
        }

        [Fact]
        public void BytesRoundTripAndBadPaddingIsRefused()
        {
            var bytes = AgeTestSupport.RandomBytes(32, 7);
            var s = Bech32.EncodeBytes("age", bytes);
            Assert.True(Bech32.TryDecodeBytes(s, out var hrp, out var back, out _));
            Assert.Equal("age", hrp);
            Assert.Equal(bytes, back);
            // 5-bit groups whose leftover bits are not zero are not whole bytes.
            Assert.Null(Bech32.ConvertBits(new byte[] { 31, 31 }, 5, 8, false));
        }

        [Fact]
        public void TheSpecsExampleIdentityGivesTheSpecsRecipient()
        {
            using (var id = AgeX25519Identity.Parse("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"))
            {
                Assert.Equal("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj", id.Recipient.ToString());
                Assert.Equal("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX", id.ExportSecretKey());
            }
        }
    }
}
