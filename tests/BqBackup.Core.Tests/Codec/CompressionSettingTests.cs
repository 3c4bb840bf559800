using System.Collections.Generic;
using BqBackup.Codec;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Codec
{
    /// <summary>-Compression, else BQBACKUP_COMPRESSION, else gzip; a value the variable cannot mean stops the run.</summary>
    public class CompressionSettingTests
    {
        private static IEnvironment Env(string value) =>
            new DictionaryEnvironment(new Dictionary<string, string> { [CompressionSetting.Variable] = value });

        [Theory]
        [InlineData(null, BqCompression.Gzip)]
        [InlineData("", BqCompression.Gzip)]
        [InlineData("zstd", BqCompression.Zstd)]
        [InlineData(" Zstd ", BqCompression.Zstd)]
        [InlineData("GZIP", BqCompression.Gzip)]
        public void The_environment_decides_when_no_parameter_does(string value, BqCompression expected) =>
            Assert.Equal(expected, CompressionSetting.Resolve(null, Env(value)));

        [Fact]
        public void The_parameter_wins_over_the_environment() =>
            Assert.Equal(BqCompression.Gzip, CompressionSetting.Resolve(BqCompression.Gzip, Env("zstd")));

        [Theory]
        [InlineData("zst")]
        [InlineData("1")]
        [InlineData("xz")]
        [InlineData("Gzip,Zstd")]
        public void Anything_else_is_InvalidCompression_naming_the_value(string value)
        {
            var e = Assert.Throws<BqBackupException>(() => CompressionSetting.Resolve(null, Env(value)));
            Assert.Equal(ErrorIds.InvalidCompression, e.ErrorId);
            Assert.Equal(BqErrorCategory.InvalidArgument, e.Category);
            Assert.Contains(CompressionSetting.Variable, e.Message);
            Assert.Equal(value, e.TargetObject);
        }
    }
}
