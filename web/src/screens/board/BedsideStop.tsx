/**
 * The hard stop after a failed bedside verification. It covers the whole screen and cannot be
 * dismissed by Escape, a click outside or a close button: the only way out is to say that you
 * have stopped, which returns to the product and records nothing (the server already logged the
 * refused attempt).
 */
import { Button, List, Modal, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { lookup } from "../../api/problem-errors.ts";

export function BedsideStop({
  mismatches,
  detail,
  onAcknowledge,
}: {
  mismatches: string[];
  detail: string;
  onAcknowledge: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    // The compound form, so the dialog itself carries the stop as its name (the short form names it
    // only from a title bar, which this screen has none of).
    <Modal.Root
      opened
      fullScreen
      onClose={() => {
        /* deliberately nothing: only the acknowledgement leaves this screen */
      }}
      closeOnEscape={false}
      closeOnClickOutside={false}
      trapFocus
      returnFocus={false}
      transitionProps={{ duration: 0 }}
    >
      <Modal.Overlay />
      <Modal.Content
        aria-label={t("bedside.stopTitle")}
        style={{ background: "var(--mantine-color-red-9)", color: "white" }}
      >
        <Modal.Body>
          <Stack
            align="center"
            justify="center"
            mih="90vh"
            gap="lg"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="bedside-stop-title"
          >
            <Title order={1} id="bedside-stop-title" fz={56} c="white">
              {t("bedside.stopTitle")}
            </Title>
            <Text fz="xl" c="white" maw={760} ta="center">
              {t("bedside.stopText")}
            </Text>
            <Stack gap={4} maw={760} w="100%">
              <Text fw={700} c="white" fz="lg">
                {t("bedside.mismatched", { count: mismatches.length })}
              </Text>
              <List c="white" fz="lg" spacing="xs" aria-label={t("bedside.mismatchedList")}>
                {mismatches.map((m) => (
                  <List.Item key={m} data-mismatch={m}>
                    {lookup(`bedside.field.${m}`) ?? m}
                  </List.Item>
                ))}
              </List>
              {/* The server's own sentence names the bag and patient; it is English, so shown only to English readers. */}
              {i18n.language === "en" && detail && (
                <Text c="white" size="sm" mt="sm">
                  {detail}
                </Text>
              )}
            </Stack>
            <Button size="xl" variant="white" color="red.9" onClick={onAcknowledge} data-autofocus>
              {t("bedside.acknowledge")}
            </Button>
          </Stack>
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
