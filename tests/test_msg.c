/*
 * test_msg.c — lib/msg: a message that does not fit is cut explicitly,
 * marked "...", never in the middle of a UTF-8 character.
 */
#include <criterion/criterion.h>

#include "lib/msg.h"

Test(msg, fits_unchanged)
{
	char buf[16];

	cr_assert_str_eq(pb_msg_fmt(buf, sizeof(buf), "%s %d", "ab", 12),
			 "ab 12");
	cr_assert_str_eq(pb_msg_fmt(buf, sizeof(buf), "%s", "123456789012345"),
			 "123456789012345");
}

Test(msg, cut_is_marked)
{
	char buf[8];

	cr_assert_str_eq(pb_msg_fmt(buf, sizeof(buf), "%s", "abcdefghij"),
			 "abcd...");
}

Test(msg, cut_keeps_characters_whole)
{
	char buf[8];

	/* é is 2 bytes: a cut inside it moves before it. */
	cr_assert_str_eq(pb_msg_fmt(buf, sizeof(buf), "%s", "abc\xc3\xa9xyz"),
			 "abc...");
	cr_assert_str_eq(pb_msg_fmt(buf, sizeof(buf), "%s", "ab\xc3\xa9xyzw"),
			 "ab\xc3\xa9...");
}
