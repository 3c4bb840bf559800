using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Storage
{
    /// <summary>How Copy-BqBackup reaches its source: its own settings first, the target's filling the rest, credentials as a whole.</summary>
    public class S3OptionsOrElseTests
    {
        private static readonly S3Options Target = new S3Options
        {
            EndpointUrl = "http://target:9000", Region = "eu-west-1", AccessKey = "AKIATARGET", SecretKey = "target-secret", ForcePathStyle = true,
        };

        [Fact]
        public void Nothing_of_its_own_takes_the_targets_settings_and_credentials()
        {
            var merged = new S3Options().OrElse(Target);
            Assert.Equal("http://target:9000", merged.EndpointUrl);
            Assert.Equal("AKIATARGET", merged.AccessKey);
            Assert.Equal("target-secret", merged.SecretKey);
            Assert.True(merged.ForcePathStyle);
        }

        [Fact]
        public void A_profile_of_its_own_takes_none_of_the_targets_keys()
        {
            var merged = new S3Options { ProfileName = "source" }.OrElse(Target);
            Assert.Equal("source", merged.ProfileName);
            Assert.Null(merged.AccessKey);
            Assert.Null(merged.SecretKey);
            Assert.Equal("http://target:9000", merged.EndpointUrl);
        }

        [Fact]
        public void A_carried_endpoint_wins_over_the_targets_and_the_keys_still_fall_back()
        {
            var carried = new StoreSettings { EndpointUrl = "http://source:9000", Region = "us-east-1" };
            var merged = new S3Options().Over(carried).OrElse(Target);
            Assert.Equal("http://source:9000", merged.EndpointUrl);
            Assert.Equal("us-east-1", merged.Region);
            Assert.Equal("AKIATARGET", merged.AccessKey);
        }

        [Fact]
        public void Its_own_keys_are_kept_whole()
        {
            var merged = new S3Options { AccessKey = "AKIASOURCE", SecretKey = "source-secret" }.OrElse(Target);
            Assert.Equal("AKIASOURCE", merged.AccessKey);
            Assert.Equal("source-secret", merged.SecretKey);
        }
    }
}
