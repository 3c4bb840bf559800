using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Storage
{
    public sealed class StoreSettingsTests
    {
        public static TheoryData<StoreSettings> Settings => new TheoryData<StoreSettings>
        {
            new StoreSettings(),
            new StoreSettings { EndpointUrl = "http://127.0.0.1:9000", Region = "eu-west-1", ForcePathStyle = true },
            new StoreSettings { Region = "us-east-1", ForcePathStyle = false, ProfileName = "backups" },
            new StoreSettings { EndpointUrl = "https://abc.r2.cloudflarestorage.com", Region = "auto", ProfileName = "ops", ProfileLocation = "/home/a, b/credentials" },
        };

        [Theory]
        [MemberData(nameof(Settings))]
        public void Its_text_reads_back_as_the_same_settings(StoreSettings settings) =>
            Assert.Equal(settings, StoreSettings.Parse(settings.ToString()));

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("  ")]
        public void No_text_is_no_settings(string text) => Assert.Null(StoreSettings.Parse(text));

        [Theory]
        [InlineData("not settings at all")]
        [InlineData("region eu-west-1, endpoint http://x")]
        [InlineData("endpoint http://x, region eu-west-1, sideways")]
        [InlineData("endpoint http://x, region eu-west-1, path-style, extra")]
        public void Another_text_is_InvalidStoreSettings_naming_it(string text)
        {
            var e = Assert.Throws<BqBackupException>(() => StoreSettings.Parse(text));
            Assert.Equal(ErrorIds.InvalidStoreSettings, e.ErrorId);
            Assert.Contains(text, e.Message);
        }
    }
}
