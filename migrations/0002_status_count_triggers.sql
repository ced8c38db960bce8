-- Keep invitation_status_counts equal to `SELECT organization_id, status, count(*) FROM
-- invitations GROUP BY 1, 2`, inside the transaction of every write, so no code path can forget.
CREATE TRIGGER `invitations_count_insert` AFTER INSERT ON `invitations`
BEGIN
  INSERT INTO `invitation_status_counts` (`organization_id`, `status`, `count`)
  VALUES (NEW.`organization_id`, NEW.`status`, 1)
  ON CONFLICT (`organization_id`, `status`) DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `invitations_count_status_change` AFTER UPDATE OF `status` ON `invitations`
WHEN OLD.`status` IS NOT NEW.`status`
BEGIN
  UPDATE `invitation_status_counts` SET `count` = `count` - 1
  WHERE `organization_id` = OLD.`organization_id` AND `status` = OLD.`status`;
  INSERT INTO `invitation_status_counts` (`organization_id`, `status`, `count`)
  VALUES (NEW.`organization_id`, NEW.`status`, 1)
  ON CONFLICT (`organization_id`, `status`) DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `invitations_count_delete` AFTER DELETE ON `invitations`
BEGIN
  UPDATE `invitation_status_counts` SET `count` = `count` - 1
  WHERE `organization_id` = OLD.`organization_id` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
-- Rows that existed before the triggers.
INSERT INTO `invitation_status_counts` (`organization_id`, `status`, `count`)
SELECT `organization_id`, `status`, count(*) FROM `invitations` GROUP BY `organization_id`, `status`;
